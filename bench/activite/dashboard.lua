-- wrk script: the dashboard of département 01 over 2025 through the API, as an admin (environment
-- RELAIS_COOKIE).
wrk.headers["Cookie"] = os.getenv("RELAIS_COOKIE")
wrk.path = "/api/v1/statistiques?departement=01&du=2025-01-01&au=2025-12-31"
