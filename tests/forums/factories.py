import factory
from django.utils import timezone

from forums.models import Comment, IkmPeriod, Topic
from tests.factories import UserFactory
from workforce.models import Kelurahan, Sector


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    title = factory.Sequence(lambda n: f"Harapan warga {n}")
    body = "Kami berharap pelayanan puskesmas buka lebih lama."
    author = factory.SubFactory(UserFactory)
    sector = factory.LazyFunction(lambda: Sector.objects.get(slug="kesehatan"))
    kelurahan = factory.LazyFunction(lambda: Kelurahan.objects.get(slug="mungku-baru"))


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    topic = factory.SubFactory(TopicFactory)
    author = factory.SubFactory(UserFactory)
    body = "Setuju."


class IkmPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IkmPeriod

    name = factory.Sequence(lambda n: f"Periode {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate().replace(month=1, day=1))
    ends_on = factory.LazyFunction(lambda: timezone.localdate().replace(month=12, day=31))
