"""Security controls: the seed's Table 1 design principles and a product's own controls."""
