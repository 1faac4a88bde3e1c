"""The dashboard's Streamlit sections; app.py wires them together. Streamlit-only code lives here, not in analysis/."""
