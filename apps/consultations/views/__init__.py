"""Thin views split by the actor who uses them: `public` (respondents and readers), `managing`
(staff running a consultation), `analyst` (themes and campaigns). They check who may act, then
call the services."""
