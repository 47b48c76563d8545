-- wrk script: POST one CRA per request (JSON), with the session cookie and CSRF token of a
-- signed-in médiateur (environment RELAIS_COOKIE, RELAIS_CSRF).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = os.getenv("RELAIS_COOKIE")
wrk.headers["X-CSRF-Token"] = os.getenv("RELAIS_CSRF")
wrk.body = '{"type":"individuel","date":"2025-12-01","duree":30,"type_lieu":"a_distance",' ..
    '"thematiques":["email","navigation_sur_internet"],"materiel":["telephone"],' ..
    '"autonomie":"partiellement_autonome"}'
