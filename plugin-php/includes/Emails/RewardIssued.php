<?php
/**
 * E-mail: reward issued.
 *
 * @package Vafa
 */

namespace Vafa\Emails;

use Vafa\Tiers\Status;

defined( 'ABSPATH' ) || exit;

/**
 * Sent for reward.issued: the code, what it gives and until when.
 */
class RewardIssued extends Email {
	const EVENT = 'reward.issued';

	/**
	 * Constructor.
	 */
	public function __construct() {
		$this->id           = 'vafa_reward_issued';
		$this->title        = __( 'Vafa: reward issued', 'vafa' );
		$this->description  = __( 'Sent to customers when a reward code is issued to them: redeemed with points, for a survey answer, a campaign or a welcome back.', 'vafa' );
		$this->placeholders = array( '{reward}' => '' );
		parent::__construct();
	}

	/**
	 * Only with a code.
	 *
	 * @param array<string,mixed> $event The event.
	 */
	protected function accepts( array $event ): bool {
		return ! empty( $event['data']['redemption']['code'] );
	}

	/**
	 * The reward's name in the recipient's language, else what it gives.
	 */
	protected function reward_name(): string {
		$name = $this->data()['reward_name'] ?? '';
		if ( is_array( $name ) ) {
			$name = Status::name( $name, $this->locale );
		}
		$name = (string) $name;
		return '' !== $name ? $name : $this->reward_value( (array) $this->data()['redemption'] );
	}

	/**
	 * The {reward} placeholder.
	 *
	 * @return array<string,string>
	 */
	protected function more_placeholders(): array {
		return array( '{reward}' => $this->reward_name() );
	}

	/**
	 * Default subject.
	 */
	public function get_default_subject() {
		return __( 'Your reward from {site_title}: {reward}', 'vafa' );
	}

	/**
	 * Default heading.
	 */
	public function get_default_heading() {
		return __( 'Your reward is ready', 'vafa' );
	}

	/**
	 * Template variables.
	 *
	 * @return array<string,mixed>
	 */
	protected function template_args(): array {
		$r       = (array) $this->data()['redemption'];
		$reasons = array(
			'redeemed' => __( 'You exchanged your points for this reward.', 'vafa' ),
			'survey'   => __( 'Thank you for answering our survey.', 'vafa' ),
			'campaign' => __( 'A gift from us to you.', 'vafa' ),
			'winback'  => __( 'We missed you: here is something to welcome you back.', 'vafa' ),
			'welcome'  => __( 'Welcome! A friend invited you.', 'vafa' ),
		);
		return array(
			'code'        => strtoupper( (string) $r['code'] ),
			'reward_name' => $this->reward_name(),
			'value'       => $this->reward_value( $r ),
			'expires'     => $this->date( $r['expires_at'] ?? '' ),
			'why'         => $reasons[ (string) ( $this->data()['reason'] ?? '' ) ] ?? '',
		);
	}
}
