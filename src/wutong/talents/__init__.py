"""Talents: one file per person (一人一档), categories, pools, histories."""
