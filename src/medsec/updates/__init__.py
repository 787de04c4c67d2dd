"""Software updates: update methods (seed Table 2) and regulatory oversight level (Table 3)."""
