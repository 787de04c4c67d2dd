"""System model per release (elements, flows, trust boundaries, interfaces), as code."""
