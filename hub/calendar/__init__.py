"""The office's working-day calendar: administrators' holiday overrides, loaded into a
`hub.workdays.WorkCalendar` for every deadline (SPEC §5)."""
