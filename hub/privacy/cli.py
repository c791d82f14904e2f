def register(main, make_hub, echo_json):  # noqa: ANN001, ANN201
    pass
