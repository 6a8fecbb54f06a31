"""Small shared pieces for serializers."""

from rest_framework import serializers
from rest_framework.utils.serializer_helpers import BindingDict

from core.display import display_name


class SharedFields:
    """For a serializer whose fields read nothing of the request (no context, no instance, no
    partial update): its fields are built and bound once per class, on a prototype, and every
    instance uses them, instead of DRF's deep copy of every declared field for every instance.
    For a ticket's create those copies (the input's and the answer's) were a fifth of the CPU
    (docs/benchmarks.md, "Creating a ticket"). Fields keep no state between calls, so sharing
    them across requests and threads is safe for fields that do not read the context: theirs
    is the prototype's (empty; the schema generator fills it with a mock request), never the
    current request's. Not for serializers whose fields need the request or the instance."""

    @property
    def fields(self):
        cls = type(self)
        shared = cls.__dict__.get("_shared_fields")
        if shared is None:
            # Two threads may both build it on a first call: either result is the same.
            prototype = cls(context={})
            shared = BindingDict(prototype)
            for name, field in prototype.get_fields().items():
                shared[name] = field
            cls._shared_fields = shared
        return shared


class StrictInputSerializer(serializers.Serializer):
    """Refuses keys it does not accept, with a 400 naming them, instead of ignoring them:
    a caller who sends `owner` or `status` learns it was not applied."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise serializers.ValidationError(
                    {name: ["This field cannot be set here."] for name in unknown}
                )
        return super().to_internal_value(data)


class LocationSerializer(StrictInputSerializer):
    lat = serializers.FloatField(min_value=-90, max_value=90, allow_null=True, required=False)
    lng = serializers.FloatField(min_value=-180, max_value=180, allow_null=True, required=False)
    timezone = serializers.CharField(max_length=64, required=False, default="UTC")

    def validate_timezone(self, value: str) -> str:
        import zoneinfo

        if value not in zoneinfo.available_timezones():
            raise serializers.ValidationError(f"'{value}' is not a known IANA time zone.")
        return value


def location_of(obj) -> dict:
    return {"lat": obj.latitude, "lng": obj.longitude, "timezone": obj.timezone}


class PersonSerializer(serializers.Serializer):
    """{id, email, name} of a user."""

    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return display_name(user)
