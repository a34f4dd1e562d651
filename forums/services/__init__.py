"""Writes of the forums app, split by topic: topics (posts, comments, supports, answers,
status), moderation, sessions and the IKM survey."""


class ForumError(Exception):
    """The action is refused; the message says why, for the user."""
