# Models of this app live here.
