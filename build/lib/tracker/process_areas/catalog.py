"""The seeded catalog: CMMI-DEV 1.3 process areas and IT Service CMM key process areas.

Sources: ../shared/reference/cmmi-opf-process-area.txt (CMMI) and it-service-cmm-summary.txt (the
KPA table: level x management / enabling / delivery).
"""

from tracker.process_areas.models import Model

# (code, name, maturity level, category)
CMMI = [
    ("REQM", "Requirements Management", 2, "Project Management"),
    ("PP", "Project Planning", 2, "Project Management"),
    ("PMC", "Project Monitoring and Control", 2, "Project Management"),
    ("SAM", "Supplier Agreement Management", 2, "Project Management"),
    ("MA", "Measurement and Analysis", 2, "Support"),
    ("PPQA", "Process and Product Quality Assurance", 2, "Support"),
    ("CM", "Configuration Management", 2, "Support"),
    ("RD", "Requirements Development", 3, "Engineering"),
    ("TS", "Technical Solution", 3, "Engineering"),
    ("PI", "Product Integration", 3, "Engineering"),
    ("VER", "Verification", 3, "Engineering"),
    ("VAL", "Validation", 3, "Engineering"),
    ("OPF", "Organizational Process Focus", 3, "Process Management"),
    ("OPD", "Organizational Process Definition", 3, "Process Management"),
    ("OT", "Organizational Training", 3, "Process Management"),
    ("IPM", "Integrated Project Management", 3, "Project Management"),
    ("RSKM", "Risk Management", 3, "Project Management"),
    ("DAR", "Decision Analysis and Resolution", 3, "Support"),
    ("OPP", "Organizational Process Performance", 4, "Process Management"),
    ("QPM", "Quantitative Project Management", 4, "Project Management"),
    ("OPM", "Organizational Performance Management", 5, "Process Management"),
    ("CAR", "Causal Analysis and Resolution", 5, "Support"),
]

ITS_CMM = [
    ("ITS-SCM", "Service Commitment Management", 2, "Management"),
    ("ITS-SDP", "Service Delivery Planning", 2, "Management"),
    ("ITS-STO", "Service Tracking and Oversight", 2, "Management"),
    ("ITS-SUB", "Subcontract Management", 2, "Management"),
    ("ITS-CM", "Configuration Management", 2, "Enabling"),
    ("ITS-SRIM", "Service Request and Incident Management", 2, "Enabling"),
    ("ITS-SQA", "Service Quality Assurance", 2, "Enabling"),
    ("ITS-ISM", "Integrated Service Management", 3, "Management"),
    ("ITS-OSD", "Organization Service Definition", 3, "Enabling"),
    ("ITS-OPD", "Organization Process Definition", 3, "Enabling"),
    ("ITS-OPF", "Organization Process Focus", 3, "Enabling"),
    ("ITS-TP", "Training Program", 3, "Enabling"),
    ("ITS-IC", "Intergroup Coordination", 3, "Enabling"),
    ("ITS-RM", "Resource Management", 3, "Enabling"),
    ("ITS-PM", "Problem Management", 3, "Enabling"),
    ("ITS-SD", "Service Delivery", 3, "Delivery"),
    ("ITS-QPM", "Quantitative Process Management", 4, "Management"),
    ("ITS-FSM", "Financial Service Management", 4, "Management"),
    ("ITS-SQM", "Service Quality Management", 4, "Enabling"),
    ("ITS-TCM", "Technology Change Management", 5, "Enabling"),
    ("ITS-PCM", "Process Change Management", 5, "Enabling"),
    ("ITS-PP", "Problem Prevention", 5, "Delivery"),
]

CATALOG = [(code, name, level, category, Model.CMMI) for code, name, level, category in CMMI] + [
    (code, name, level, category, Model.ITS_CMM) for code, name, level, category in ITS_CMM
]
