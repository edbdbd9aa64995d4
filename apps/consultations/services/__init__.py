"""Domain logic for consultations, in plain Python that tests call without HTTP."""
