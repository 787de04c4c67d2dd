"""The assessment of findings as people do it: patient-harm risk records, reviewer acceptance,
CVSS rescoring with the MITRE rubric and SSVC decisions (commands, API, pages), over `risk` and
`findings`; a risk change re-derives the deadlines of the CVD cases that follow it."""
