"""What the tests and the benchmarks share: real servers (PostgreSQL, Redis, moto S3), the web
server and a scripted Streamlit client, the media factory, the fake OpenAI server, memory
meters, and the labelled evaluation sets with their split rules (`evalsets/`)."""
