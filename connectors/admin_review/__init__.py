"""行政复议机构: review decisions (复议决定书) that corrected a body's act."""
