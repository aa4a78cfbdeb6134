"""Lessons from the stories (issue 13, in progress): werkzame elementen, knelpunten,
resultaten and vervolg. So far the figures: :mod:`pipeline.lessons.quantities`."""
