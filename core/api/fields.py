"""Small shared pieces for serializers."""

import copy

from rest_framework import serializers

from core.display import display_name


class ModelFieldsOnce:
    """For a ModelSerializer whose fields never depend on the request: the fields are built
    from the model once per class, and each instance gets a copy (the way DRF hands out
    declared fields), instead of DRF inspecting the model again for every instance. For the
    ticket, that inspection was a seventh of the CPU of a create (docs/benchmarks.md)."""

    def get_fields(self):
        cls = type(self)
        prototypes = cls.__dict__.get("_field_prototypes")
        if prototypes is None:
            prototypes = super().get_fields()
            cls._field_prototypes = prototypes
        return copy.deepcopy(prototypes)


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
