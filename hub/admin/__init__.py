"""The administrator's pages (系统管理) and what they do."""
