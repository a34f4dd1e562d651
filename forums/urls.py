from django.urls import path

from forums.views import ikm, mine, moderation, sessions, topics

app_name = "forums"
urlpatterns = [
    # topics (forums/views/topics.py)
    path("", topics.topic_list, name="topic_list"),
    path("new/", topics.topic_create, name="topic_create"),
    path("new/units/", topics.unit_options, name="unit_options"),
    # the person's own page (forums/views/mine.py)
    path("mine/", mine.my_topics, name="my_topics"),
    path("topics/<int:pk>/", topics.topic_detail, name="topic_detail"),
    path("topics/<int:pk>/edit/", topics.topic_edit, name="topic_edit"),
    path("topics/<int:pk>/photo.jpg", topics.topic_photo, name="topic_photo"),
    path("topics/<int:pk>/reply/", topics.comment_create, name="comment_create"),
    path("topics/<int:pk>/answer/", topics.answer_create, name="answer_create"),
    path("topics/<int:pk>/status/", topics.status_change, name="status_change"),
    path("topics/<int:pk>/support/", topics.topic_support, name="topic_support"),
    path("topics/<int:pk>/follow/", topics.topic_follow, name="topic_follow"),
    path("topics/<int:pk>/report/", topics.report, name="topic_report"),
    path(
        "topics/<int:pk>/comments/<int:comment_pk>/report/",
        topics.report,
        name="comment_report",
    ),
    path("replies/<int:pk>/", topics.comment_link, name="comment_link"),
    path("accountability/", topics.accountability, name="accountability"),
    # moderation (forums/views/moderation.py)
    path("moderation/", moderation.queue, name="moderation_queue"),
    path("moderation/log/", moderation.log, name="moderation_log"),
    path("moderation/topics/<int:pk>/", moderation.topic_moderate, name="topic_moderate"),
    path("moderation/topics/<int:pk>/retag/", moderation.topic_retag, name="topic_retag"),
    path("moderation/comments/<int:pk>/", moderation.comment_moderate, name="comment_moderate"),
    path("moderation/users/<int:user_pk>/", moderation.user_suspend, name="user_suspend"),
    # discussion sessions (forums/views/sessions.py)
    path("sessions/", sessions.session_list, name="session_list"),
    path("sessions/mine.ics", sessions.my_sessions_calendar, name="my_sessions_calendar"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/register/", sessions.session_register_view, name="session_register"),
    # satisfaction survey (forums/views/ikm.py)
    path("ikm/", ikm.ikm_results, name="ikm_results"),
    path("ikm/chart.svg", ikm.ikm_chart, name="ikm_chart"),
    path("ikm/survey/", ikm.ikm_survey, name="ikm_survey"),
]
