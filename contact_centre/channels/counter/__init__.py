"""Counter: kiosk tickets, the waiting-room display, visits handled at a desk."""
