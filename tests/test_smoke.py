from tracker.auth.roles import Role


def test_home_page_renders_for_a_signed_in_user(client, login_as):
    login_as(Role.PROCESS_GROUP)
    response = client.get("/")
    assert response.status_code == 200
    assert "Active projects" in response.get_data(as_text=True)
