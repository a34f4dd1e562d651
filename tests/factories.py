import factory
from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.services import user_assign_roles

PASSWORD = "Correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="id_ID")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        if create and extracted:
            user_assign_roles(user=self, roles=extracted)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


# --- workforce -----------------------------------------------------------------------------
import datetime as _dt  # noqa: E402
from decimal import Decimal  # noqa: E402

from workforce.models import (  # noqa: E402
    AbkSheet,
    AbkTask,
    AsnType,
    EducationLevel,
    Employee,
    Kelurahan,
    PlanningYear,
    Position,
    Sector,
    Unit,
)


def make_nip(birth_date, *, appointment=(2015, 3), gender="F", sequence=1, pppk=False):
    """A NIP that passes validation for the given birth date and gender."""
    year, month = appointment
    return (
        f"{birth_date:%Y%m%d}{year:04d}{21 if pppk else month:02d}"
        f"{1 if gender == 'M' else 2}{sequence:03d}"
    )


class PlanningYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanningYear
        django_get_or_create = ("year",)

    year = 2026


def _reference(model, slug):
    from workforce.services.reference import reference_data_ensure

    reference_data_ensure()
    return model.objects.get(slug=slug)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Unit {n}")
    # Through reference_data_ensure: transactional tests flush the rows the migration made.
    sector = factory.LazyFunction(lambda: _reference(Sector, "kesehatan"))
    kelurahan = factory.LazyFunction(lambda: _reference(Kelurahan, "mungku-baru"))
    kind = Unit.Kind.PUSTU


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Perawat {n}")
    kind = Position.Kind.FUNCTIONAL
    asn_type = AsnType.PNS
    education_level = EducationLevel.D3
    norm_key = "perawat"


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    full_name = factory.Faker("name", locale="id_ID")
    gender = Employee.Gender.FEMALE
    birth_date = _dt.date(1990, 5, 17)
    asn_type = AsnType.PNS
    position = factory.SubFactory(PositionFactory)
    start_date = _dt.date(2015, 3, 1)
    status = Employee.Status.ACTIVE
    nip = factory.Sequence(
        lambda n: make_nip(_dt.date(1990, 5, 17), gender="F", sequence=n % 999 + 1)
    )
    retirement_date = factory.LazyAttribute(
        lambda o: Employee.retirement_date_for(o.birth_date, o.position.retirement_age)
    )


class AbkSheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AbkSheet

    position = factory.SubFactory(PositionFactory)
    planning_year = factory.SubFactory(PlanningYearFactory)


def abk_with_minutes(position, planning_year, minutes_list):
    """A sheet whose tasks add up to the given workloads (volume 1 x minutes each)."""
    sheet = AbkSheetFactory(position=position, planning_year=planning_year)
    for i, minutes in enumerate(minutes_list):
        AbkTask.objects.create(
            sheet=sheet,
            description=f"Task {i}",
            output_unit="kegiatan",
            yearly_volume=1,
            standard_minutes=Decimal(minutes),
        )
    return sheet


# --- recruitment ---------------------------------------------------------------------------
from datetime import timedelta as _timedelta  # noqa: E402

from django.utils import timezone as _timezone  # noqa: E402

from recruitment.models import (  # noqa: E402
    ApplicantProfile,
    Application,
    DocumentRequirement,
    Formation,
    SelectionPeriod,
)
from recruitment.validators import build_nik  # noqa: E402


class SelectionPeriodFactory(factory.django.DjangoModelFactory):
    """An open CPNS period: registration opened 5 days ago and closes in 10 days."""

    class Meta:
        model = SelectionPeriod
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Seleksi CASN {n}")
    year = 2026
    procurement_type = "CPNS"
    registration_opens_at = factory.LazyFunction(lambda: _timezone.now() - _timedelta(days=5))
    registration_closes_at = factory.LazyFunction(lambda: _timezone.now() + _timedelta(days=10))
    age_reference_date = factory.LazyFunction(lambda: _timezone.localdate())
    is_published = True

    @factory.post_generation
    def documents(self, create, extracted, **kwargs):
        if create and extracted is not False:
            from recruitment.services.periods import period_add_default_documents

            period_add_default_documents(period=self)


class FormationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Formation
        skip_postgeneration_save = True

    period = factory.SubFactory(SelectionPeriodFactory)
    position = factory.SubFactory(PositionFactory)
    asn_type = AsnType.PNS
    quota = 2
    education_level = EducationLevel.D3
    is_published = True

    @factory.post_generation
    def required(self, create, extracted, **kwargs):
        """Required document slugs; default: the pas foto and the ijazah."""
        if not create:
            return
        slugs = extracted if extracted is not None else ["pas-foto", "ijazah"]
        self.required_documents.set(
            DocumentRequirement.objects.filter(period=self.period, slug__in=slugs)
        )


class ApplicantProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicantProfile

    user = factory.SubFactory(UserFactory, roles=["applicant"])
    birth_date = _dt.date(1998, 4, 12)
    gender = "F"
    nik = factory.Sequence(
        lambda n: build_nik(region="627104", birth_date=_dt.date(1998, 4, 12), gender="F",
                            sequence=n % 9999 + 1)
    )  # fmt: skip
    kk_number = "6271040101090001"
    name_on_ktp = factory.Faker("name", locale="id_ID")
    birth_place = "Palangka Raya"
    address = "Jl. Tjilik Riwut Km 30, Rakumpit"
    phone = "081234567890"
    education_level = EducationLevel.D3
    institution = "Poltekkes Kemenkes Palangka Raya"
    programme = "D3 Keperawatan"
    gpa = Decimal("3.41")
    graduation_year = 2020
    accreditation = ApplicantProfile.Accreditation.BAIK_SEKALI


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    formation = factory.SubFactory(FormationFactory)
    period = factory.LazyAttribute(lambda o: o.formation.period)
    budget_year = factory.LazyAttribute(lambda o: o.formation.period.year)
    applicant = factory.LazyAttribute(lambda o: ApplicantProfileFactory().user)
