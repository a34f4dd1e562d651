app_name = "recruitment"
urlpatterns = [
    # public: vacancies, statistics (recruitment/views/public.py)
    # applicant: profile, apply, application, finalise, withdraw (recruitment/views/applicant.py)
    # documents: upload and download (recruitment/views/documents.py)
    # registration card and public verification (recruitment/views/cards.py)
    # HR: periods, formations, applications (recruitment/views/hr.py)
]
