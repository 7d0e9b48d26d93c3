import { Component, type ReactNode } from 'react';
import { ErrorBox } from './common.tsx';

/** Keeps a failing page from blanking the console: shows its error, resets when the path changes. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, { error: unknown }> {
  override state: { error: unknown } = { error: undefined };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override componentDidUpdate(previous: { resetKey: string }) {
    if (previous.resetKey !== this.props.resetKey && this.state.error !== undefined)
      this.setState({ error: undefined });
  }

  override render() {
    return this.state.error !== undefined ? <ErrorBox error={this.state.error} /> : this.props.children;
  }
}
