"""The demo data set, built from the seed documents only."""
