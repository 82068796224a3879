from __future__ import annotations

from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.people.models import Department, Person, PersonRole, Role
from tests.factories import PASSWORD, make_department, make_person

CSV_HEADER = "name,email,engagement_type,department,line_manager_email,start_date,roles\n"


def _admin(session):
    return make_person(session, name="Ada Admin", email="admin@council.example", roles={Role.ADMINISTRATOR})


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_an_administrator_adds_a_person(client, session):
    client.sign_in_as(_admin(session))
    department = make_department(session, name="Parks")
    session.commit()
    response = client.post(
        "/people/new",
        {
            "name": "Sam Green",
            "email": "Sam.Green@Council.example",
            "engagement_type": "volunteer",
            "department": str(department.id),
            "line_manager": "admin@council.example",
            "start_date": "2026-11-23",
            "roles": ["manager"],
        },
    )
    assert response.status_code == 302
    person = session.scalar(select(Person).where(Person.email == "sam.green@council.example"))
    assert person.engagement_type == "volunteer"
    assert person.department_id == department.id
    created = session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "people.created", AuditEvent.object_id == str(person.id)
        )
    )
    assert '"engagement_type":"volunteer"' in created.details
    follow = client.get(response.headers["Location"])
    assert "Sam Green has been added" in follow.get_data(as_text=True)


def test_a_malformed_person_form_lists_every_problem_and_saves_nothing(client, session):
    client.sign_in_as(_admin(session))
    before = _count(session, Person)
    response = client.post(
        "/people/new",
        {
            "name": "",
            "email": "not-an-email",
            "engagement_type": "pirate",
            **{"start_date-day": "31", "start_date-month": "2", "start_date-year": "2026"},
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    for message in [
        "Enter their full name",
        "Enter an email address in the correct format",
        "Not a valid choice",
        "Start date must be a real date",
    ]:
        assert message in html
    assert _count(session, Person) == before


def test_a_duplicate_email_is_refused_beside_the_field(client, session):
    client.sign_in_as(_admin(session))
    response = client.post(
        "/people/new",
        {
            "name": "Copy",
            "email": "ADMIN@council.example",
            "engagement_type": "employee",
            "start_date": "2026-01-01",
        },
    )
    assert "Someone already has that email address" in response.get_data(as_text=True)


def test_editing_records_what_changed(client, session):
    client.sign_in_as(_admin(session))
    person = make_person(session, name="Before Name")
    response = client.post(
        f"/people/{person.id}/edit",
        {"name": "After Name", "email": person.email, "engagement_type": "bank", "start_date": "2026-01-05"},
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Person, person.id).name == "After Name"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "people.updated"))
    assert '"name":{"from":"Before Name","to":"After Name"}' in event.details


def test_unknown_people_are_404_not_500(client, session):
    client.sign_in_as(_admin(session))
    for url in ["/people/999999", "/people/999999/edit", "/people/999999/leave"]:
        assert client.get(url).status_code == 404
    assert client.post("/people/999999/sign-in-link").status_code == 404


def test_marking_a_leaver_ends_their_sessions_at_once(client, another_client, session):
    client.sign_in_as(_admin(session))
    leaver = make_person(session, email="leaver@council.example")
    another_client.sign_in_with_password("leaver@council.example", PASSWORD)
    assert another_client.get("/").status_code == 200
    response = client.post(f"/people/{leaver.id}/leave", {"leaving_date": "2026-11-20"})
    assert response.status_code == 302
    assert another_client.get("/").status_code == 302
    assert another_client.sign_in_with_password("leaver@council.example", PASSWORD).status_code == 200
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "people.left"))
    assert event.object_id == str(leaver.id)


def test_a_leaving_date_before_the_start_is_refused(client, session):
    client.sign_in_as(_admin(session))
    leaver = make_person(session)
    response = client.post(f"/people/{leaver.id}/leave", {"leaving_date": "2020-01-01"})
    assert "on or after their start date" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Person, leaver.id).is_active


def _upload(client, text: str, name: str = "staff.csv"):
    import io

    return client.post(
        "/people/import",
        {"file": (io.BytesIO(text.encode("utf-8-sig")), name)},
        content_type="multipart/form-data",
    )


def test_a_clean_csv_imports_everyone_with_managers_from_the_same_file(client, session):
    client.sign_in_as(_admin(session))
    response = _upload(
        client,
        CSV_HEADER
        + "Una Boss,una@council.example,employee,Finance,,2026-01-05,manager\n"
        + "Vic Staff,vic@council.example,agency,Finance,una@council.example,05/01/2026,\n"
        + "\n"
        + "Wyn Helper,wyn@council.example,volunteer,Events,admin@council.example,2026-02-01,\n",
    )
    assert response.status_code == 302
    people = {p.email: p for p in session.scalars(select(Person))}
    assert people["vic@council.example"].line_manager_id == people["una@council.example"].id
    assert people["wyn@council.example"].line_manager_id == people["admin@council.example"].id
    grants = session.scalars(
        select(PersonRole.role).where(PersonRole.person_id == people["una@council.example"].id)
    )
    assert list(grants) == ["manager"]
    assert {d.name for d in session.scalars(select(Department))} == {"Finance", "Events"}
    assert session.scalar(select(func.count()).where(AuditEvent.action == "people.created")) == 4  # admin + 3


def test_a_csv_with_bad_rows_reports_each_line_and_imports_nothing(client, session):
    client.sign_in_as(_admin(session))
    before = _count(session, Person)
    response = _upload(
        client,
        CSV_HEADER
        + "Good Row,good@council.example,employee,Finance,,2026-01-05,\n"
        + ",missing-name@council.example,employee,,,2026-01-05,\n"
        + "Bad Type,badtype@council.example,pirate,,,2026-01-05,\n"
        + "Bad Date,baddate@council.example,employee,,,2026-13-45,\n"
        + "Bad Role,badrole@council.example,employee,,,2026-01-05,emperor\n"
        + "Copy,good@council.example,employee,,,2026-01-05,\n"
        + "Existing,admin@council.example,employee,,,2026-01-05,\n"
        + "No Boss,noboss@council.example,employee,,ghost@council.example,2026-01-05,\n",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing was imported" in html
    for line, words in [
        (3, "name is missing"),
        (4, "engagement type"),
        (5, "start date"),
        (6, "role"),
        (7, "already on line 2"),
        (8, "already has an account"),
        (9, "line manager"),
    ]:
        assert f'<td class="govuk-table__cell">{line}</td>' in html, line
        assert words in html, words
    assert _count(session, Person) == before
    assert _count(session, Department) == 0


def test_a_csv_without_the_needed_columns_is_refused(client, session):
    client.sign_in_as(_admin(session))
    response = _upload(client, "full name,mail\nA,b@c.example\n")
    assert "missing: name, email, engagement_type, start_date" in response.get_data(as_text=True)


def test_a_file_that_is_not_utf8_is_refused_clearly(client, session):
    import io

    client.sign_in_as(_admin(session))
    response = client.post(
        "/people/import",
        {
            "file": (
                io.BytesIO(
                    CSV_HEADER.encode() + "Zoë,z@council.example,employee,,,2026-01-05,\n".encode("latin-1")
                ),
                "s.csv",
            )
        },
        content_type="multipart/form-data",
    )
    assert "CSV UTF-8" in response.get_data(as_text=True)


def test_departments_can_be_added_once(client, session):
    client.sign_in_as(_admin(session))
    assert client.post("/people/departments", {"name": "Parks"}).status_code == 302
    again = client.post("/people/departments", {"name": " parks "})
    assert "There is already a department called Parks" in again.get_data(as_text=True)


def test_the_people_list_filters_by_name_and_status(client, session):
    client.sign_in_as(_admin(session))
    make_person(session, name="Findable Person")
    gone = make_person(session, name="Gone Person")
    gone.is_active = False
    session.commit()
    html = client.get("/people?q=findable").get_data(as_text=True)
    assert "Findable Person" in html and "Gone Person" not in html
    left = client.get("/people?status=left").get_data(as_text=True)
    assert "Gone Person" in left and "Findable Person" not in left


def test_the_people_list_is_paged(client, session):
    client.sign_in_as(_admin(session))
    for number in range(55):
        make_person(session, name=f"Paged {number:02d}", commit=False)
    session.commit()
    first = client.get("/people").get_data(as_text=True)
    assert "Page 1 of 2" in first and "page=2" in first
    second = client.get("/people?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and "Paged 54" in second
