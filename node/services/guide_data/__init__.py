"""The solidarity guide's data going in and out: the data·inclusion schema v1 (JSON and CSV),
a Soliguide-shaped JSON, the printed guide and the SMS answers. Pure functions here; the
services that store places call them."""
