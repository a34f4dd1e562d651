// purgecss for static/build/portal.css (make css): keep a selector only when some template,
// Python file (form helpers, status tones, widget attributes), script or the form packages'
// templates name it. Paths are relative to the repository root, where make runs it.
module.exports = {
  content: [
    "templates/**/*.html",
    "static/js/**/*.js",
    // Classes written in Python: crispy helpers, widget attrs, recruitment's status tones...
    "{accounts,core,forums,notifications,opendata,performance,privacy,rakumpit_asn,recruitment,training,workforce}/**/*.py",
    // Templates and layout objects of the form and sign-in packages the pages render.
    ".venv/lib/python*/site-packages/crispy_forms/**/*.{html,py}",
    ".venv/lib/python*/site-packages/crispy_bootstrap5/**/*.{html,py}",
    ".venv/lib/python*/site-packages/allauth/templates/**/*.html",
  ],
  // Unused custom properties go too (those that kept ones use stay).
  variables: true,
  safelist: {
    standard: [
      // alert-{{ message.tags }} (templates/_messages.html): every level Django's messages have.
      /^alert-(debug|info|success|warning|error|danger)$/,
      // Elements that user content (forum Markdown, sanitised HTML) may bring with it, whether
      // or not a template writes them.
      /^(blockquote|pre|code|kbd|hr|ol|ul|li|dl|dt|dd|h[1-6]|img|table|th|td|sup|sub|mark|abbr)$/,
    ],
  },
};
