"""The TPLC cybersecurity management plan of a product (seed 5.4), kept as versioned records."""
