"""The joint meeting (联席会议): one record per month, its agenda drawn from the month's
report, attendance, decisions (议定事项, each may become a hand-off) and minutes (会议纪要)."""
