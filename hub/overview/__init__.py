"""The office's overview (工作台): what waits where, each figure a link to its list."""
