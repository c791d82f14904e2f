"""一事一文: the documents the office issues (交办函, 移送函, 转办函, 抄送函, 催办函, 督办函,
整改通知书, 办结报告), rendered from templates the office edits, numbered per year and kind,
issued once and kept with their SHA-256."""
