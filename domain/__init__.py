"""Domain logic as plain functions (no Streamlit): formatting, SDG scoring, poverty measures."""
