"""Scenario quizzes: banks as files, attempts, scoring, onboarding, item analysis."""
