-- Two databases on one server: the knowledge base (+ gateway and admin tables, owned by Alembic)
-- and Rasa's tracker store (message texts: personal data, own retention). Run once by the
-- postgres image on an empty volume.
CREATE DATABASE dalil;
CREATE DATABASE dalil_rasa;
