"""channels-redis's layer, with the members of many groups read in one round trip.

Sending to a group costs channels-redis two round trips before it knows whether anyone is in
it (expire old members, list them), and most of the groups a batch of routed tickets sends to
are agents' own groups with no socket open. ``groups_with_members`` reads every group of a
batch in one pipeline per Redis host, so core.realtime sends only to groups someone listens
to (docs/benchmarks.md, "Flags told in batches").

Skipping a group whose member list was read empty loses nothing: a socket joins its groups
before it reads what it shows (the dashboard's snapshot, the bell's unread count), and the
list is read after the change committed, so a socket that joined later reads the change
itself."""

import time

from channels_redis.core import RedisChannelLayer


class BatchingRedisChannelLayer(RedisChannelLayer):
    async def groups_with_members(self, groups: list[str]) -> set[str]:
        """Which of ``groups`` have a member now, one pipelined round trip per host; each
        group's expired members are dropped on the way, as group_send does."""
        by_host: dict[int, list[str]] = {}
        for group in dict.fromkeys(groups):
            assert self.require_valid_group_name(group), "Group name not valid"
            by_host.setdefault(self.consistent_hash(group), []).append(group)
        oldest = int(time.time()) - self.group_expiry
        found = set()
        for index, names in by_host.items():
            pipe = self.connection(index).pipeline(transaction=False)
            for group in names:
                key = self._group_key(group)
                pipe.zremrangebyscore(key, min=0, max=oldest)
                pipe.zcard(key)
            counts = (await pipe.execute())[1::2]
            found.update(group for group, count in zip(names, counts, strict=True) if count)
        return found
