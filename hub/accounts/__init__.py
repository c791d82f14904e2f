"""Office users (科员, 科长, 领导, 审计, 管理员), their passwords and browser sessions."""
