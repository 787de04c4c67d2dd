"""The hospital workspace: installed devices, exposure, controls, rollouts (seed 6.1, 6.4.2)."""
