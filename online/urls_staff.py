"""Staff pages of patients online: registration keys and the hub's waiting list."""

app_name = "online_staff"

urlpatterns: list = []
