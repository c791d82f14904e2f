"""The page toolkit beneath every domain's office pages: the templates (`templating`), the
logged-in user, CSRF, the login redirect and the refusal page (`session`), the layout
(`templates/base.html`) and the stylesheet (`static/`).

It imports no domain: each domain's pages module brings its own templates, template globals,
filters and timeline labels (`templating.add_template_folder`, `register_globals`,
`register_filters`, `register_event_labels`).
"""
