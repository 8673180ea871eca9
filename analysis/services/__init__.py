"""Every write of the analysis app: runs (runs.py), the finalise steps (finalise.py,
campaigns.py), human edits (edits.py); reports.py holds the reads other apps use."""
