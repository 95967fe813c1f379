"""HTTP for the CDF client: a sans-IO core (requests, responses, retries) and two thin shells."""
