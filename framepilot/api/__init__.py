"""The HTTP API beside the Streamlit app: another thin face on the same core.

Routes parse the request, authorise the token's owner and call the same `framepilot` and
`jobs` functions the pages call; they return pydantic models. `create_app(settings)` in
`framepilot.api.app` builds the FastAPI application; nothing outside this package imports
FastAPI.
"""
