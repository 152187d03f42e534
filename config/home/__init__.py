"""Each role's home page: the view and the reads of its panels (config may read every app)."""
