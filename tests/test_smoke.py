from openapi_spec_validator import validate


def test_openapi_is_public(api, db):
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/exercises/{exercise_id}/start" in response.json()["paths"]


def test_every_operation_documents_the_error_shape(api, db):
    schema = api.get("/api/v1/openapi.json").json()
    error = schema["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["required"] == ["code", "message", "details"]
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) > 40
    for operation in operations:
        default = operation["responses"]["default"]["content"]["application/json"]["schema"]
        assert default == {"$ref": "#/components/schemas/Error"}


def test_the_schema_is_valid_openapi(api, db):
    validate(api.get("/api/v1/openapi.json").json())
