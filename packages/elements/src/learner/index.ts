// The learner widgets (classes only; registering them is the define modules' job).
export {};
