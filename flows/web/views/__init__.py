"""One module per page of the review app; each view takes the app's state and the request."""
