"""立卷归档: a closed matter filed as an archive file (案卷) with a signed manifest."""
