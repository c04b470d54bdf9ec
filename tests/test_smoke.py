def test_openapi_is_public(api, db):
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/exercises/{exercise_id}/start" in response.json()["paths"]
