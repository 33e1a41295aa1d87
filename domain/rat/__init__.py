"""The RAT cycle's rules: deadlines, current year, checklist, stage, flags, activity.

Pure: dates and the day (`today`, a calendar date in WIB) are passed in. Modules:
`calendar` (fiscal-year ends and deadlines), `policy` (the configured rules and the frozen
`CycleRules` of one cycle), `checklist` (item states and progress), `years` (current, due and
late-recordable fiscal years), `flags` (flags, late, at risk, next deadline), `activity`
(activity status), `validation` (milestone inputs and quorum), `assess` (one cycle's
stage, flags, progress, at-risk and next deadline), `koperasi` (a cooperative's activity,
current cycle, last RAT and late-recordable years in one call), `roles` (who reports, records
on the board's behalf, confirms ODS), `compliance` (obliged and compliant at the three
cut-offs, the season). The stage rule is in `domain.stages`.
"""
