"""12345 政务服务便民热线: work orders (工单) that complain about unlawful acts."""
